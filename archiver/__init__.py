"""archiver: archiving pipeline for a Polish school's electronic class register."""

import os as _os

__version__ = "0.1.0"
SOFTWARE_NAME = "archiver"

# The bundle password may come in ARCHIVER_PASSWORD. Take it out of the environment before
# anything else is imported: importing WeasyPrint runs ldconfig, gcc and ld, which would
# inherit it. passwords.read_password collects it from here (once).


def _scrub_initial_environment(name: str) -> None:
    """Overwrite `name`'s value in the process's initial environment block with NULs.

    os.environ.pop unsets the variable for this process and its children, but the kernel
    still shows the block the process started with in /proc/PID/environ, of this process
    and of every process forked from it without exec (a pool's workers before they exec,
    a subprocess between fork and exec). Where the C library's getenv answers (glibc,
    musl), the value's bytes are zeroed in place; elsewhere nothing is done."""
    try:
        import ctypes

        libc = ctypes.CDLL(None)
        libc.getenv.restype = ctypes.c_void_p
        libc.getenv.argtypes = [ctypes.c_char_p]
        where = libc.getenv(name.encode())
        if where:
            ctypes.memset(where, 0, len(ctypes.string_at(where)))
    except (OSError, AttributeError, ValueError):  # no C library to ask: nothing to scrub
        pass


_ENV_PASSWORD: list[str] = []
if "ARCHIVER_PASSWORD" in _os.environ:
    _ENV_PASSWORD.append(_os.environ["ARCHIVER_PASSWORD"])
    _scrub_initial_environment("ARCHIVER_PASSWORD")
    del _os.environ["ARCHIVER_PASSWORD"]


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
