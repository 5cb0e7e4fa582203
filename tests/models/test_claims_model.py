"""The claims classifier's shortcut (one Doc per sentence for both heads, scores read from the textcat) gives
what each head's own pipeline puts in doc.cats."""

from __future__ import annotations

from pipeline.models import claims as model

TEXTS = ["我们认为公司的客户集中度过高，风险不容忽视。", "公司2025年收入为12亿元。", "", "   ", "毛利率或将继续承压？"]


def test_classify_equals_each_heads_pipeline(shipped: model.ClaimModel) -> None:
    predictions = model.classify(shipped, TEXTS)
    topics = [doc.cats for doc in shipped.topic.pipe(model.make_doc(shipped.topic, t) for t in TEXTS)]
    stances = [doc.cats for doc in shipped.stance.pipe(model.make_doc(shipped.stance, t) for t in TEXTS)]
    for prediction, topic, stance in zip(predictions, topics, stances, strict=True):
        assert prediction.p_claim == round(1.0 - topic[model.NONE], 6)
        assert (prediction.topic, prediction.stance) == (max(model.TOPICS, key=topic.__getitem__),
                                                         max(model.STANCES, key=stance.__getitem__))
    assert model.classify(shipped, []) == []
