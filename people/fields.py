"""Choosing one member of a project: a select in a small project, a search field in a big one.

A project of a few dozen people gets a plain select, which is quicker than typing. Past `SELECT_UP_TO`
members the field renders a text input instead and never lists the members: the person types a name or
a username; `static/js/member-lookup.js` turns the input into a combobox that asks
`people:lookup` for matches as they type. Without JavaScript the form resolves what was typed and,
when it names several members, says which ones, keeping the text.
"""

import bisect
import copy

from django import forms
from django.db.models import Case, Q, QuerySet, Value, When
from django.db.models.functions import Concat
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from people.models import Membership

SELECT_UP_TO = 50
SHOWN_MATCHES = 5


def member_text(membership: Membership) -> str:
    """How a member reads in the search field: unambiguous, since the username is unique."""
    return f"{membership.user.display_name} ({membership.user.username})"


def member_label(membership: Membership) -> str:
    return f"{membership.user.display_name} · {membership.get_role_display()}"


def members_matching(queryset: QuerySet[Membership], text: str) -> QuerySet[Membership]:
    """Members whose name or username contains each word typed."""
    for word in text.split():
        queryset = queryset.filter(
            Q(user__first_name__icontains=word) | Q(user__last_name__icontains=word) | Q(user__username__icontains=word)
        )
    return queryset


def members_named(queryset: QuerySet[Membership], text: str) -> QuerySet[Membership]:
    """Members the text names exactly: "Name (username)" as the field shows it, a username or a full name."""
    text = text.strip()
    if text.endswith(")") and " (" in text:
        text = text[text.rindex(" (") + 2 : -1]
    full_name = Concat("user__first_name", Value(" "), "user__last_name")
    return queryset.alias(full_name=full_name).filter(Q(user__username__iexact=text) | Q(full_name__iexact=text))


class MemberWidget(forms.Select):
    """A select of the field's members while there are at most `SELECT_UP_TO` of them, otherwise a search
    input wired to the project's member look-up. One query either way."""

    # A project template, rendered as such: the form renderer knows only Django's own widgets.
    search_template_name = "people/widgets/member_search.html"

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.lookup_url = ""
        self.roles: list[str] = []

    def render(self, name, value, attrs=None, renderer=None):
        field = self.choices.field
        members, chosen = self._members(value)
        if len(members) + (chosen is not None) <= SELECT_UP_TO:
            if chosen is not None:
                bisect.insort(members, chosen, key=_in_order)
            select = copy.copy(self)
            empty = [("", field.empty_label)] if field.empty_label is not None else []
            select.choices = empty + [(member.pk, field.label_from_instance(member)) for member in members]
            return forms.Select.render(select, name, value, attrs, renderer)
        attrs = self.build_attrs(self.attrs, attrs)
        listbox_id = f"{attrs.get('id', name)}-listbox"
        attrs["class"] = attrs.get("class", "form-control").replace("form-select", "form-control")
        attrs.update(
            {
                "data-member-lookup": f"{self.lookup_url}?role={','.join(self.roles)}",
                "role": "combobox",
                "aria-autocomplete": "list",
                "aria-expanded": "false",
                "aria-controls": listbox_id,
                "autocomplete": "off",
                "placeholder": _("Type a name or username"),
            }
        )
        search = forms.TextInput(attrs)
        search.input_type = "search"
        text = member_text(chosen) if chosen is not None else _single(value)
        context = {"input": search.render(name, text, renderer=renderer), "listbox_id": listbox_id}
        return render_to_string(self.search_template_name, context)

    def _members(self, value) -> tuple[list[Membership], Membership | None]:
        """Up to `SELECT_UP_TO` + 1 of the field's members in order, and apart from them the one whose id is
        `value`: one query, which reads the chosen member first."""
        queryset = self.choices.queryset
        chosen_id = _single(value)
        if not chosen_id.isdigit():
            return list(queryset[: SELECT_UP_TO + 1]), None
        rows = list(
            queryset.alias(chosen=Case(When(pk=chosen_id, then=Value(0)), default=Value(1))).order_by(
                "chosen", *Membership._meta.ordering
            )[: SELECT_UP_TO + 1]
        )
        if rows and str(rows[0].pk) == chosen_id:
            return rows[1:], rows[0]
        return rows, None


def _single(value) -> str:
    """The field's value as text: the select gives a list, a bound instance a member."""
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    if isinstance(value, Membership):
        return str(value.pk)
    return "" if value is None else str(value)


def _in_order(membership: Membership) -> tuple[str, str, str]:
    user = membership.user
    return (user.last_name, user.first_name, user.username)


class MemberChoiceField(forms.ModelChoiceField):
    """One active member of `project` with one of `roles` (all roles when None), narrowed further by
    `queryset` when a form needs to. Accepts a member's id (the select), or the text of the search
    field: "Name (username)", a username or an exact full name."""

    widget = MemberWidget
    default_error_messages = {
        "no_match": _("Nobody in this project matches “%(text)s”. Type part of a name or a username."),
        "choose": _(
            "“%(text)s” names nobody exactly. People who match: %(names)s. Type the name as shown, or the username."
        ),
    }

    def __init__(self, *, queryset=None, project=None, roles=None, label_from_instance=member_label, **kwargs):
        self.roles = sorted(str(role) for role in roles) if roles else []
        super().__init__(queryset=queryset if queryset is not None else Membership.objects.none(), **kwargs)
        self.label_from_instance = label_from_instance
        if project is not None:
            self.for_project(project)

    def for_project(self, project, *, roles=None, queryset=None) -> None:
        """The project's active members in the field's roles (or `roles`), or `queryset` when a form
        narrows them further; the look-up then offers the field's roles and the form checks the rest."""
        if roles is not None:
            self.roles = sorted(str(role) for role in roles)
        if queryset is None:
            queryset = Membership.objects.active().filter(project=project).select_related("user")
            if self.roles:
                queryset = queryset.filter(role__in=self.roles)
        self.queryset = queryset
        self.widget.lookup_url = reverse("people:lookup", args=[project.pk])
        self.widget.roles = self.roles

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Membership):
            return super().to_python(value.pk)
        text = str(value).strip()
        if text.isdigit() and (member := self.queryset.filter(pk=text).first()) is not None:
            return member
        named = list(members_named(self.queryset, text)[: SHOWN_MATCHES + 1])
        if len(named) == 1:
            return named[0]
        matches = named or list(members_matching(self.queryset, text)[: SHOWN_MATCHES + 1])
        if not matches:
            raise forms.ValidationError(self.error_messages["no_match"], code="no_match", params={"text": text})
        names = ", ".join(member_text(member) for member in matches[:SHOWN_MATCHES])
        if len(matches) > SHOWN_MATCHES:
            names += ", …"
        raise forms.ValidationError(self.error_messages["choose"], code="choose", params={"text": text, "names": names})
