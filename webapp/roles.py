"""The five roles and their names."""

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class Role(StrEnum):
    CONTRIBUTOR = "contributor"
    EDITOR = "editor"
    CHIEF_EDITOR = "chief_editor"
    ACCOUNTANT = "accountant"
    ADMIN = "admin"

    @property
    def label(self):
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.CONTRIBUTOR: _l("Cán bộ đơn vị / cộng tác viên"),
    Role.EDITOR: _l("Biên tập viên"),
    Role.CHIEF_EDITOR: _l("Trưởng ban biên tập"),
    Role.ACCOUNTANT: _l("Kế toán"),
    Role.ADMIN: _l("Quản trị"),
}

# Roles that work on the editorial side: they may read every unit's pieces.
STAFF_ROLES = frozenset({Role.EDITOR, Role.CHIEF_EDITOR, Role.ADMIN, Role.ACCOUNTANT})
