"""Input packages: reading, checking and documenting them."""

from .errors import InputError, InputErrors
from .load import Inputs, load_package
from .manifest import Capitalisation, Manifest, MicrodataSettings

__all__ = ["Capitalisation", "InputError", "InputErrors", "Inputs", "Manifest", "MicrodataSettings", "load_package"]
