"""Versioned prompt templates, one directory per version, one subdirectory per output language.

Templates are `string.Template` files (`$name` placeholders, `$$` for a literal dollar). Change a
template only together with a new version directory, so every recorded `prompt_version` names the exact
wording a result came from. They ship inside the package and are read with `importlib.resources`.
"""

# The version the OpenAI engine uses and records on every job.
CURRENT_VERSION = "v2"
