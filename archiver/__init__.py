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


def _usable_time_zone(value: str) -> bool:
    """Whether TZ names a zone (or a zone file) that the date libraries can load."""
    import zoneinfo

    name = value[1:] if value.startswith(":") else value
    try:
        if _os.path.isabs(name):
            with open(name, "rb") as handle:
                zoneinfo.ZoneInfo.from_file(handle)
        else:
            zoneinfo.ZoneInfo(name)
    except Exception:  # a folder, a non-zone file, a POSIX rule string, rubbish
        return False
    return True


# archiver prints times in the school's zone, never the machine's; but Babel reads TZ
# when imported and a TZ of `Europe` (a folder) or a path to a non-zone file killed every
# command, --version included. Such a TZ is dropped: the local zone is then UTC.
UNUSABLE_TZ: str | None = None
if _os.environ.get("TZ") and not _usable_time_zone(_os.environ["TZ"]):
    UNUSABLE_TZ = _os.environ.pop("TZ")
