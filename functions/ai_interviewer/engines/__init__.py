"""Engines: the judgement parts of each task, behind one port (`engines.base.Engine`)."""
