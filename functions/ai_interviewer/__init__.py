"""AI Interviewer: rank resumes, simulate interviews, write vacancies and tags, answer by signed webhook."""
