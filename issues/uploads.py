"""What an issue may carry as a file: screenshots and PDFs, recognised by their content (not by the
name the browser sends), within a size limit. Anything else, HTML and SVG included, is refused."""

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
MAX_ATTACHMENTS_PER_UPLOAD = 5

# Leading bytes → the content type the file is served with.
SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
)
ACCEPT = "image/png,image/jpeg,image/gif,image/webp,application/pdf"


def _sniff(head: bytes) -> str | None:
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def attachment_check(upload) -> str:
    """The content type of an acceptable upload; a `ValidationError` naming the file otherwise."""
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            _("%(name)s is larger than %(limit)s.")
            % {"name": upload.name, "limit": filesizeformat(MAX_ATTACHMENT_BYTES)},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type = _sniff(head)
    if content_type is None:
        raise ValidationError(
            _("%(name)s is not a screenshot or a PDF: attach PNG, JPEG, GIF, WebP or PDF files.")
            % {"name": upload.name},
            code="file_type",
        )
    return content_type
