"""studykit: Chinese study articles to handouts, booklets and slides."""

__version__ = "0.1.0"
