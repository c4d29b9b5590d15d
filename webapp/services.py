"""What services share."""


class ServiceError(Exception):
    """A refusal to show the user: a translated message, and the form field it is about."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


def apply_error(form, error: ServiceError) -> None:
    """Show a service's refusal on the form, under its field when it names one."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, str(error.message)]
    else:
        form.form_errors.append(str(error.message))
