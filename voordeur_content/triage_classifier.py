"""The triage classifier: the rules' findings and the words of a message weighed together.

A logistic regression (scikit-learn) over character and word n-grams of the prepared message,
with the rules' findings added as tokens ("zzr" + signal + moment), so that it learns from
examples when a signal phrase means danger and recognises danger said without one. It is trained
when first needed (docs/performance.md: how long that takes), from the examples in content/triage_examples/ (each line
{"text", "grade"}), written by people who never saw the held-out evaluation sets, and trained
again when an example file changes. Without scikit-learn the rules alone decide.

Training takes seconds of a core, and every process that grades messages needs the classifier (each
relay process, each action server, each `python -m relay` command that builds the app). So the
trained weights are kept on disk (`voordeur_content/triage_cache.py`), under a key computed from
the training texts, their grades, what prepares them (the rules file, the code, the word list), the
settings and scikit-learn's version: a process whose examples, rules and library are the same loads
them in a fraction of a second, and any change to what the classifier would learn from makes a new
key, so it trains again.

A change while the process runs (an editor saves an example file or the rules) is trained on a
thread of its own: until it is done, messages are graded by the classifier as it was, so that no
visitor's message waits the 15-20 s of a training. Only the first classifier of a process is
trained (or loaded) while the caller waits: `triage.warm_up` does that at start.
"""

from __future__ import annotations

import json
import logging
import math
import sys
import threading
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

from voordeur_content import triage_cache
from voordeur_content._files import CONTENT_DIR, content_file

EXAMPLES_DIR = CONTENT_DIR / "triage_examples"  # the repository's; readers ask content_file()
GRADES = ("acute", "suicide", "high", "none")

log = logging.getLogger(__name__)
_lock = threading.Lock()
Stamp = Tuple[Tuple[Tuple[str, float], ...], str]  # the example files' names and times, the preparation
_cache: Dict[str, Tuple[Stamp, Any]] = {}
_training: Dict[str, Stamp] = {}  # folder -> the stamp being trained on a thread of its own now


def read_examples(folder: Optional[Path] = None) -> List[Dict[str, Any]]:
    folder = folder or content_file("triage_examples")
    examples = []
    for path in sorted(folder.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            item = json.loads(line)
            if item.get("grade") not in GRADES or not isinstance(item.get("text"), str):
                raise ValueError(f"{path.name}:{number}: every example needs a text and a grade of {GRADES}")
            examples.append(item)
    return examples


class Classifier:
    """A trained pipeline, and the same arithmetic done by hand for one message.

    Every visitor message is scored on its own, and scikit-learn's predict_proba is made for
    batches (input checks, sparse matrices): summing the weights of one message's n-grams by hand
    gives the same answer without that overhead (figures: docs/performance.md, "What triage costs").
    The n-grams come from scikit-learn's own analyzers, and `probabilities_by_sklearn` is the check
    (tests/content/test_triage.py) that both give the same answer.
    """

    def __init__(self, weights: triage_cache.Weights, pipeline: Any = None):
        self._pipeline = pipeline  # scikit-learn's own, when trained in this process
        self.weights = weights
        self.classes: List[str] = list(weights.classes)
        self._parts = []
        offset = 0
        for vectorizer, terms, idf in zip(_vectorizers(), weights.terms, weights.idf, strict=True):
            vocabulary = {term: index for index, term in enumerate(terms)}
            self._parts.append((vectorizer.build_analyzer(), vocabulary, idf, offset))
            offset += len(vocabulary)
        # One column of weights per feature (a tuple over the classes), and the intercepts.
        self._columns = weights.columns
        self._intercepts = list(weights.intercepts)

    @classmethod
    def from_pipeline(cls, pipeline: Any) -> "Classifier":
        union, regression = pipeline.steps[0][1], pipeline.steps[-1][1]
        terms, idf = [], []
        for _, vectorizer in union.transformer_list:
            by_index = sorted(vectorizer.vocabulary_.items(), key=lambda item: item[1])
            terms.append([term for term, _ in by_index])
            idf.append([float(v) for v in vectorizer.idf_])
        weights = triage_cache.Weights(
            classes=[str(c) for c in regression.classes_],
            terms=terms,
            idf=idf,
            columns=[tuple(float(w) for w in column) for column in regression.coef_.T],
            intercepts=[float(b) for b in regression.intercept_],
        )
        return cls(weights, pipeline)

    def probabilities(self, features: str) -> Dict[str, float]:
        scores = list(self._intercepts)
        for analyzer, vocabulary, idf, offset in self._parts:
            counts = Counter(vocabulary[term] for term in analyzer(features) if term in vocabulary)
            weights = {index: (1.0 + math.log(count)) * idf[index] for index, count in counts.items()}
            norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0  # sublinear tf-idf, l2
            for index, weight in weights.items():
                column = self._columns[offset + index]
                for k in range(len(scores)):
                    scores[k] += column[k] * weight / norm
        top = max(scores)
        exps = [math.exp(score - top) for score in scores]  # multinomial: softmax of the scores
        total = sum(exps)
        return {label: e / total for label, e in zip(self.classes, exps, strict=False)}

    def probabilities_by_sklearn(self, features: str) -> Dict[str, float]:
        if self._pipeline is None:
            raise ValueError("loaded from the cache: train() gives a classifier with scikit-learn's pipeline")
        return dict(zip(self.classes, (float(p) for p in self._pipeline.predict_proba([features])[0]), strict=False))


def _vectorizers() -> List[Any]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    return [
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True),
        TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"\S+"),
    ]


def _regression() -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=30, max_iter=3000, class_weight="balanced")


def train(examples: List[Dict[str, Any]], featurize: Callable[[str], str]) -> Classifier:
    """Train in this process, without the cache."""
    return _fit([featurize(e["text"]) for e in examples], [e["grade"] for e in examples])


def _fit(texts: List[str], grades: List[str]) -> Classifier:
    from sklearn.pipeline import make_pipeline, make_union

    pipeline = make_pipeline(make_union(*_vectorizers()), _regression())
    pipeline.fit(texts, grades)
    return Classifier.from_pipeline(pipeline)


def trained_or_cached(
    examples: List[Dict[str, Any]], featurize: Callable[[str], str], preparation: str = ""
) -> Classifier:
    """The classifier for these examples: from the disk cache when it holds the same training, else
    trained now and written there. `preparation` stands for everything besides the examples that
    decides what `featurize` makes of a text (triage's rules file, its code, the word list): the key
    is made of the examples as written and that, so that a process whose training is cached does
    not prepare thousands of examples only to find its key."""
    import sklearn

    grades = [e["grade"] for e in examples]
    settings = [repr(sorted(v.get_params().items())) for v in _vectorizers()]
    settings.append(repr(sorted(_regression().get_params().items())))
    settings.append(preparation)
    key = triage_cache.key_of([e["text"] for e in examples], grades, settings, sklearn.__version__)
    weights = triage_cache.load(key)
    if weights is not None:
        return Classifier(weights)
    model = _fit([featurize(e["text"]) for e in examples], grades)
    triage_cache.save(key, model.weights)
    return model


def classifier(
    featurize: Callable[[str], str], folder: Optional[Path] = None, preparation: str = ""
) -> Optional[Classifier]:
    """The classifier for the current example files and rules, or None without scikit-learn or
    examples. After a change the one before answers until the new one is trained (see above)."""
    folder = folder or content_file("triage_examples")
    stamp: Stamp = (tuple((p.name, p.stat().st_mtime) for p in sorted(folder.glob("*.jsonl"))), preparation)
    key = str(folder)
    cached = _cache.get(key)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    if cached is not None and cached[1] is not None:
        _train_beside(key, stamp, folder, featurize, preparation)
        return cached[1]
    with _lock:  # the first one: the caller waits, and so do the others, for its result
        cached = _cache.get(key)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        model = _train(folder, featurize, preparation)
        _cache[key] = (stamp, model)
        return model


def _train(folder: Path, featurize: Callable[[str], str], preparation: str) -> Optional[Classifier]:
    try:
        import sklearn  # noqa: F401  (imported only to learn whether it is installed)
    except ImportError:
        return None
    examples = read_examples(folder)
    return trained_or_cached(examples, featurize, preparation) if examples else None


def _train_beside(key: str, stamp: Stamp, folder: Path, featurize: Callable[[str], str], preparation: str) -> None:
    """Train for ``stamp`` on a thread of its own, once; the cache gets the result when it is done.
    A file that cannot be read keeps the classifier as it was, with the error in the log."""
    with _lock:
        if _training.get(key) == stamp:
            return
        _training[key] = stamp

    def run() -> None:  # no lock here: under gevent this is another OS thread (dict updates are atomic)
        try:
            model = _train(folder, featurize, preparation)
        except Exception:
            log.exception("the triage examples or rules changed but cannot be learnt; the classifier stays as it was")
            return
        if _training.get(key) == stamp:
            _cache[key] = (stamp, model)
            _training.pop(key, None)

    _start_os_thread(run)


def _start_os_thread(run: Callable[[], None]) -> None:
    """A real thread also in a relay patched by gevent, where threading.Thread would be a greenlet
    that holds the only OS thread, and every socket with it, for the whole training."""
    monkey = sys.modules.get("gevent.monkey")
    if monkey is not None and monkey.is_module_patched("threading"):
        monkey.get_original("_thread", "start_new_thread")(run, ())
    else:
        threading.Thread(target=run, name="triage-training", daemon=True).start()
