"""Names shown in the audit trail for tables, actions and fields."""

from flask_babel import lazy_gettext as _l

ENTITY_LABELS = {
    "units": _l("Đơn vị"),
    "users": _l("Người dùng"),
    "categories": _l("Chuyên mục"),
    "topics": _l("Lĩnh vực"),
    "genres": _l("Thể loại"),
}

ACTION_LABELS = {
    "create": _l("Tạo mới"),
    "update": _l("Sửa"),
    "activate": _l("Mở lại"),
    "deactivate": _l("Ngừng / khóa"),
    "reorder": _l("Đổi thứ tự"),
    "reset_password": _l("Đặt lại mật khẩu"),
}

FIELD_LABELS = {
    "name": _l("Tên"),
    "short_name": _l("Tên viết tắt"),
    "group": _l("Nhóm"),
    "monthly_quota": _l("Định mức"),
    "contact_emails": _l("E-mail liên hệ"),
    "head_email": _l("E-mail thủ trưởng đơn vị"),
    "active": _l("Hoạt động"),
    "display_order": _l("Thứ tự"),
    "username": _l("Tên đăng nhập"),
    "full_name": _l("Họ và tên"),
    "email": _l("E-mail"),
    "unit_id": _l("Đơn vị"),
    "roles": _l("Vai trò"),
    "password": _l("Mật khẩu"),
    "code": _l("Mã"),
    "requires_signoff": _l("Cần Trưởng ban ký duyệt"),
}
