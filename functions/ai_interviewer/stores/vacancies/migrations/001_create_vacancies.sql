-- Vacancies and their candidates. Ids come from an identity sequence; job_id is unique so a job that
-- is stored twice (a redelivered or racing queue message) lands on the vacancy it already has.
CREATE TABLE vacancies (
    vacancy_id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_id          text NOT NULL UNIQUE,
    filename        text NOT NULL,
    content         text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);

-- candidate_id is the 1-based position of the resume within its vacancy.
CREATE TABLE candidates (
    vacancy_id      bigint NOT NULL REFERENCES vacancies (vacancy_id) ON DELETE CASCADE,
    candidate_id    integer NOT NULL CHECK (candidate_id >= 1),
    filename        text NOT NULL,
    content         text NOT NULL,
    PRIMARY KEY (vacancy_id, candidate_id)
);
