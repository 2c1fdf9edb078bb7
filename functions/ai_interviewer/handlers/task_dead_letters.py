"""Lambda entry point of the task DLQs' consumer: a dead-lettered job ends `worker_crashed`, notified."""

from ai_interviewer.worker import dead_letter_lambda_handler

handler = dead_letter_lambda_handler()
