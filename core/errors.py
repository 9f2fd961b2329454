class ServiceError(Exception):
    """A refusal a user can cause and fix. The message is Chinese and says what to fix.

    Services raise it before anything is written (or inside the transaction, which then
    rolls back); views show the message and keep the user's input.
    """

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def show_on(form, error: ServiceError) -> None:
    """Put a service's refusal on the form: on its field when the form has one."""
    form.add_error(error.field if error.field in form.fields else None, error.message)
