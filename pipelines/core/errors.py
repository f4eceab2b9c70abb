"""The one error hierarchy: user-facing problems that stop a command before or while it runs."""


class ForageError(Exception):
    """A problem the user can fix; the message says how."""


class ConfigError(ForageError):
    """A recipe, stage parameter or override is invalid."""


class InputError(ForageError):
    """An input path, URL or format cannot be used."""
