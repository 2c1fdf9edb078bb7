"""Parts of the OpenAI engine (`engines.openai.engine.OpenAiEngine`): prompt templates and data fences,
the output schemas, the structured chat call with its validation, repair and error mapping, and its
retries.

Everything here imports the OpenAI SDK (or is only used next to it), but for `budget`, the time one call
may take, which the CDK app reads too; the api function never imports the SDK.
"""
