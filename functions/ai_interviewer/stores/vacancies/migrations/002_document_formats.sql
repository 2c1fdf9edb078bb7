-- Vacancies and resumes may come as documents (PDF, DOCX, ODT, RTF, text): the detected format is kept
-- with the extracted text, and an unreadable resume keeps why (its content is then empty). NULL: the
-- client sent text.
ALTER TABLE vacancies ADD COLUMN format text;
ALTER TABLE candidates ADD COLUMN format text;
ALTER TABLE candidates ADD COLUMN unreadable text;
