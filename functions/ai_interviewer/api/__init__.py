"""The api function's logic: who may call, what a request must look like, and how a job is accepted.

The HTTP surface (routes, the OpenAPI document) is `ai_interviewer.api.app.build_resolver(services)`;
the Lambda entry point is `ai_interviewer.api.handler.handler`.
"""
