"""The UI-free quiz engine: typed answers and grading, study sessions, exam simulation, FSRS spaced review.

Modules: ``answers`` (typed answers), ``grading`` (grade one answer), ``scoring`` (scaled score, certainty
marks, tallies), ``presentation`` (seeded display order), ``forms`` (drawing an exam form), ``study``,
``exam``, ``review``. Sessions are plain objects that serialise to JSON; no database, no UI.
"""
from engine.quiz.answers import (Answer, CommandAnswer, DropdownAnswer, MatchAnswer, MultipleAnswer, OrderAnswer,
                                 SingleAnswer, answer_from_dict, answer_to_dict, key_of)
from engine.quiz.errors import QuizError
from engine.quiz.exam import ExamResult, ExamSession, ReviewEntry
from engine.quiz.forms import apportion, draw_form
from engine.quiz.grading import COMMAND_SKIPPED, CommandGrader, Grade, Part, grade
from engine.quiz.review import ReviewState, rating_for
from engine.quiz.scoring import RAW_CUT, Tally, certainty_mark, scaled_score
from engine.quiz.study import Feedback, LearnerHistory, StudyFilter, StudySession

__all__ = [
    "Answer", "SingleAnswer", "MultipleAnswer", "OrderAnswer", "MatchAnswer", "DropdownAnswer", "CommandAnswer",
    "answer_to_dict", "answer_from_dict", "key_of", "QuizError", "Grade", "Part", "CommandGrader", "grade",
    "COMMAND_SKIPPED", "RAW_CUT", "Tally", "scaled_score", "certainty_mark", "apportion", "draw_form",
    "StudySession", "StudyFilter", "Feedback", "LearnerHistory", "ExamSession", "ExamResult", "ReviewEntry",
    "ReviewState", "rating_for",
]
