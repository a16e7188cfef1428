"""archiver: archiving pipeline for a Polish school's electronic class register."""

__version__ = "0.1.0"
SOFTWARE_NAME = "archiver"
