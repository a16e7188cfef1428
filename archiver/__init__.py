"""archiver: archiving pipeline for a Polish school's electronic class register."""

import os as _os

__version__ = "0.1.0"
SOFTWARE_NAME = "archiver"

# The bundle password may come in ARCHIVER_PASSWORD. Take it out of the environment before
# anything else is imported: importing WeasyPrint runs ldconfig, gcc and ld, which would
# inherit it. passwords.read_password collects it from here (once).
_ENV_PASSWORD: list[str] = [_os.environ.pop("ARCHIVER_PASSWORD")] \
    if "ARCHIVER_PASSWORD" in _os.environ else []


def take_environment_password() -> str | None:
    """ARCHIVER_PASSWORD as it was when the program started, handed out once."""
    return _ENV_PASSWORD.pop() if _ENV_PASSWORD else None
