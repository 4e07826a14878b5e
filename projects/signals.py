"""What projects tell the apps above them, which projects cannot import."""

from django.dispatch import Signal

# Sent by `project_create` inside its transaction with `project=`: an app that gives every new project
# something of its own (modules: the standard deliverables) writes it in the same transaction, so a
# failure leaves no project behind.
project_created = Signal()
