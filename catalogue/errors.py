"""Domain errors raised by catalogue operations and queries."""


class CatalogueError(Exception):
    """A request the catalogue cannot carry out; the message is for the user."""

    code = "invalid_request"
    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFound(CatalogueError):
    code = "not_found"
    status = 404


class InvalidParameter(CatalogueError):
    """A query parameter that is malformed or out of its documented range."""

    code = "invalid_parameter"
    status = 400


class InvalidValue(CatalogueError):
    code = "invalid_value"
    status = 400
