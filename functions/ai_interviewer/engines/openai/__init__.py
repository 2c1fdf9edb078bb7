"""Parts of the OpenAI engine (`engines.openai.engine.OpenAiEngine`): prompt templates and data fences,
the output schemas, and the structured chat call with its validation, repair and error mapping.

Everything here imports the OpenAI SDK (or is only used next to it); the api function never imports it.
"""
