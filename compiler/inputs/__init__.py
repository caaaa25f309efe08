"""Input packages: reading, checking and documenting them."""

from compiler.inputs.errors import InputError, InputErrors
from compiler.inputs.load import Inputs, load_package
from compiler.inputs.manifest import Capitalisation, Manifest, MicrodataSettings

__all__ = ["Capitalisation", "InputError", "InputErrors", "Inputs", "Manifest", "MicrodataSettings", "load_package"]
