"""Engines: the judgement parts of each task, one small port per capability (`engines.capabilities`)."""
