"""The local stack: the same handlers on an embedded AWS emulation (moto server), no Docker."""
