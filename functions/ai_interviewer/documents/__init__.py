"""Resumes and vacancies sent as documents (PDF, DOCX, ODT, RTF, plain text) instead of text.

- `formats`: what a document is, from its bytes' signature, checked against its filename. Stdlib only:
  the api imports it to validate `content_base64` at acceptance and must stay light.
- `limits`: every bound on hostile input, in one place.
- `readers`: bytes to text, one reader per format (pypdf, striprtf, a bounded OOXML/ODF read through
  defusedxml, charset-normalizer for legacy text encodings).
- `isolation`: the readers run in a child process with a time and memory limit, so no document can
  stall or exhaust the worker.
- `extraction`: what the task worker calls: a request with documents in, the same request with text out.

Nothing here logs document bytes or text.
"""
