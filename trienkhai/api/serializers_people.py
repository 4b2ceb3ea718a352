"""What the people, position, term and notification endpoints return and accept.

Personal data is shown as the pages show it: the people list gives the e-mail address (as the
people page does), one person gives the phone and login account too (as the person page does);
a position's note is shown only to those who may edit the unit (only its edit form shows it)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from trienkhai.org import rules
from trienkhai.org.models import Person, Position, PositionRole, Term

from .serializers import Id, UnitRef


def code(values, **kwargs):
    """A choice among `values`, documented inline: no shared enum component whose name ("Role")
    could collide with another endpoint's."""
    schema = {"type": "string", "enum": [str(v) for v in values]}
    field_class = extend_schema_field(schema)(type("Code", (serializers.ChoiceField,), {}))
    return field_class(choices=list(values), **kwargs)


ROLES = PositionRole.values


class PersonRef(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()


class TermRef(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


# --- people -------------------------------------------------------------------------------------
class PersonOut(serializers.ModelSerializer):
    """A row of the people page: name, the unit keeping the record, e-mail."""

    home_unit = UnitRef()

    class Meta:
        model = Person
        fields = ["id", "full_name", "home_unit", "email"]


class PersonPositionOut(serializers.Serializer):
    """A position in a person's record; a unit one may not see is named but not linked."""

    id = serializers.IntegerField()
    unit = UnitRef()
    unit_visible = serializers.SerializerMethodField(
        help_text="false: you may not open this unit (the person page names it without a link)"
    )
    role = code(ROLES)
    role_label = serializers.CharField(source="get_role_display")
    title = serializers.CharField(source="display_title", help_text="the full title, or the role")
    term = TermRef(allow_null=True)
    start_on = serializers.DateField()
    end_on = serializers.DateField(allow_null=True, help_text="the last day held; null: still")
    is_current = serializers.BooleanField()

    def get_unit_visible(self, position) -> bool:
        return rules.can_view_unit(self.context["user"], position.unit)


class PersonDetailOut(PersonOut):
    """One person as the person page shows them, with the positions they held."""

    username = serializers.SerializerMethodField(help_text="the login account, if linked")
    positions = serializers.SerializerMethodField()

    class Meta(PersonOut.Meta):
        fields = [*PersonOut.Meta.fields, "phone", "username", "positions"]

    def get_username(self, person) -> str | None:
        return person.user.get_username() if person.user_id else None

    @extend_schema_field(PersonPositionOut(many=True))
    def get_positions(self, person):
        return PersonPositionOut(self.context["positions"], many=True, context=self.context).data


class PersonIn(serializers.Serializer):
    """A new person's record (linking a login account is done on the page)."""

    full_name = serializers.CharField(max_length=150)
    home_unit = Id(help_text="id of the unit keeping the record (one you may edit)")
    email = serializers.EmailField(required=False, allow_blank=True, max_length=254)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=30)


# --- positions ----------------------------------------------------------------------------------
class PositionOut(serializers.ModelSerializer):
    """A row of the unit page's tables of positions."""

    person = PersonRef()
    unit = UnitRef()
    role = code(ROLES)
    role_label = serializers.CharField(source="get_role_display")
    display_title = serializers.CharField(help_text="the full title, or the role")
    term = TermRef(allow_null=True)
    end_on = serializers.DateField(allow_null=True, help_text="the last day held; null: still")
    is_current = serializers.BooleanField()
    note = serializers.SerializerMethodField(
        help_text="only for those who may edit the unit (null otherwise)"
    )

    class Meta:
        model = Position
        fields = [
            "id",
            "person",
            "unit",
            "role",
            "role_label",
            "title",
            "display_title",
            "term",
            "start_on",
            "end_on",
            "is_current",
            "note",
        ]

    def get_note(self, position) -> str | None:
        editable = self.context.setdefault("editable", {})
        if position.unit_id not in editable:
            editable[position.unit_id] = rules.can_edit_unit(self.context["user"], position.unit)
        return position.note if editable[position.unit_id] else None


class PositionIn(serializers.Serializer):
    """An appointment: who, what role, from when (and until when, if already known)."""

    person = Id(help_text="id of a person you may see")
    role = code(ROLES)
    title = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="Phó Trưởng Ban Tuyên giáo"
    )
    term = Id(required=False, allow_null=True, help_text="id of a term of this unit")
    start_on = serializers.DateField()
    end_on = serializers.DateField(required=False, allow_null=True, help_text="the last day held")
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


class PositionEndIn(serializers.Serializer):
    end_on = serializers.DateField(help_text="the last day the position was held")


# --- terms --------------------------------------------------------------------------------------
class TermOut(serializers.ModelSerializer):
    unit = UnitRef()

    class Meta:
        model = Term
        fields = ["id", "unit", "name", "number", "start_on", "end_on"]


class TermIn(serializers.Serializer):
    name = serializers.CharField(max_length=100, help_text="Khóa XII")
    number = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=32767)
    start_on = serializers.DateField()
    end_on = serializers.DateField(required=False, allow_null=True)


# --- notifications ------------------------------------------------------------------------------
class NotificationOut(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    url = serializers.CharField(allow_blank=True, help_text="the page it points to, if any")
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)
    is_read = serializers.SerializerMethodField()

    def get_is_read(self, notice) -> bool:
        return notice.read_at is not None


class MarkedOut(serializers.Serializer):
    marked = serializers.IntegerField(help_text="how many notices were unread and are now read")
