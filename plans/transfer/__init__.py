"""Moving one partnership whole between instances: `export_partnership` writes it to a file,
`import_partnership` reads such a file into another instance under new primary keys.

The file is a zip holding `manifest.json` (the format and its version, the migrations of the
instance that wrote it, the number of rows of each model and the SHA-256 of the content) and
`content.json`: Django's serialization format (as `dumpdata` writes it) for the partnership's
own rows and their django-simple-history records, in the order they can be created, with the
shared rows they use (people, organisations, indicators) described by what names them.
"""

from plans.transfer.files import FORMAT_VERSION, TransferFileError
from plans.transfer.loading import ImportRefused, import_partnership
from plans.transfer.writing import export_partnership

__all__ = [
    "FORMAT_VERSION",
    "ImportRefused",
    "TransferFileError",
    "export_partnership",
    "import_partnership",
]
