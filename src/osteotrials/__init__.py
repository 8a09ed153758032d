"""osteotrials: clinical trials for metastatic breast cancer in bone.

The library API comes first; the CLI, REST API and web pages are thin layers
over it.
"""

__version__ = "0.1.0"
