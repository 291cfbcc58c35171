"""The Anthropic and OpenAI-compatible backends over real HTTP round trips to local servers
on 127.0.0.1 that speak each API's shape; retries, errors and the factory's env handling."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from assay.errors import BackendError, InvalidArgument
from assay.llm import BackendEnv, make_backend
from assay.llm._http import RetryPolicy
from assay.llm.anthropic import AnthropicBackend
from assay.llm.base import Params, chat_request, fim_request
from assay.llm.openai import OpenAIBackend


class FakeApi:
    """A local HTTP server: records requests, answers from a queue of (status, body)."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, str], dict[str, Any]]] = []
        self.answers: list[tuple[int, dict[str, Any]]] = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                api.requests.append(
                    (self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                )
                status, answer = api.answers.pop(0)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_api() -> Iterator[FakeApi]:
    api = FakeApi()
    yield api
    api.close()


def _message(text: str, *, input_tokens: int = 12, output_tokens: int = 5) -> dict[str, Any]:
    return {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "claude-test",
        "content": [{"type": "text", "text": text}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": input_tokens, "output_tokens": output_tokens},
    }


def _no_sleep(delays: list[float]) -> Any:
    return delays.append


def test_anthropic_messages_round_trip(fake_api: FakeApi) -> None:
    fake_api.answers.append((200, _message("    return a + b\n```")))
    backend = AnthropicBackend(api_key="k-test", model="claude-test", base_url=fake_api.url)
    request = chat_request("add", system="be careful", prefill="```python\ndef add(a, b):\n")
    [completion] = backend.generate(request, Params(max_tokens=50, stop=("\n```",)))
    path, headers, body = fake_api.requests[0]
    assert path == "/v1/messages"
    assert headers["x-api-key"] == "k-test" and headers["anthropic-version"] == "2023-06-01"
    assert body["system"] == "be careful"
    assert [m["role"] for m in body["messages"]] == ["user", "assistant"]
    assert body["stop_sequences"] == ["\n```"] and body["max_tokens"] == 50
    assert completion.text == "```python\ndef add(a, b):\n    return a + b\n```"
    assert (completion.usage.prompt_tokens, completion.usage.completion_tokens) == (12, 5)
    assert completion.model == "claude-test"


def test_anthropic_fim_is_asked_as_a_chat(fake_api: FakeApi) -> None:
    fake_api.answers.append((200, _message("x + 1")))
    backend = AnthropicBackend(api_key="k", base_url=fake_api.url)
    [completion] = backend.generate(fim_request("y = ", "\n"), Params())
    body = fake_api.requests[0][2]
    assert "y = <FILL>\n" in body["messages"][0]["content"]
    assert completion.text == "x + 1"


def test_anthropic_retries_overload_then_succeeds(fake_api: FakeApi) -> None:
    fake_api.answers += [(529, {"type": "error"}), (429, {"type": "error"}), (200, _message("ok"))]
    delays: list[float] = []
    backend = AnthropicBackend(
        api_key="k",
        base_url=fake_api.url,
        policy=RetryPolicy(attempts=3, backoff=0.25),
        sleep=_no_sleep(delays),
    )
    [completion] = backend.generate(chat_request("hi"), Params())
    assert completion.text == "ok"
    assert delays == [0.25, 0.5]


def test_anthropic_bad_key_is_not_retried(fake_api: FakeApi) -> None:
    fake_api.answers.append((401, {"type": "error", "error": {"message": "invalid x-api-key"}}))
    backend = AnthropicBackend(api_key="wrong", base_url=fake_api.url)
    with pytest.raises(BackendError, match=r"refused the credentials \(HTTP 401\).*API key"):
        backend.generate(chat_request("hi"), Params())
    assert len(fake_api.requests) == 1


def test_openai_chat_and_fim_payloads(fake_api: FakeApi) -> None:
    fake_api.answers += [
        (
            200,
            {
                "model": "m",
                "choices": [{"message": {"content": "```python\nx = 1\n```"}}],
                "usage": {"prompt_tokens": 7, "completion_tokens": 3},
            },
        ),
        (200, {"model": "m", "choices": [{"text": "1\n<|endoftext|>junk"}], "usage": {}}),
    ]
    backend = OpenAIBackend(fake_api.url + "/v1", api_key="sk-test", model="m")
    [chat] = backend.generate(chat_request("x"), Params(seed=3))
    [fim] = backend.generate(fim_request("x = ", "\n"), Params(stop=("<|endoftext|>",)))
    (chat_path, chat_headers, chat_body), (fim_path, _, fim_body) = fake_api.requests
    assert chat_path == "/v1/chat/completions" and chat_headers["authorization"] == "Bearer sk-test"
    assert chat_body["model"] == "m" and chat_body["seed"] == 3 and chat_body["n"] == 1
    assert chat.text == "```python\nx = 1\n```" and chat.usage.total_tokens == 10
    assert fim_path == "/v1/completions"
    assert fim_body["prompt"] == "<|fim_prefix|>x = <|fim_suffix|>\n<|fim_middle|>"
    assert fim.text == "1\n"


def test_openai_error_object_is_a_backend_error(fake_api: FakeApi) -> None:
    fake_api.answers.append((400, {"error": {"message": "unknown model"}}))
    backend = OpenAIBackend(fake_api.url + "/v1", model="nope")
    with pytest.raises(BackendError, match=r"rejected the request \(HTTP 400\).*unknown model"):
        backend.generate(chat_request("x"), Params())


def test_unreachable_server_names_the_url_and_the_remedy() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/v1"
    delays: list[float] = []
    backend = OpenAIBackend(url, policy=RetryPolicy(attempts=2), sleep=_no_sleep(delays))
    with pytest.raises(BackendError) as caught:
        backend.generate(chat_request("x"), Params())
    message = str(caught.value)
    assert f"{url}/chat/completions" in message and "after 2 attempts" in message
    assert "check that the server is running" in message
    assert len(delays) == 1


def test_factory_reads_the_environment_in_one_place() -> None:
    env = BackendEnv.from_environ(
        {"OPENAI_BASE_URL": " http://h:1/v1 ", "OPENAI_API_KEY": "", "ASSAY_CACHE_DIR": "/c"}
    )
    assert env.openai_base_url == "http://h:1/v1" and env.openai_api_key is None
    assert str(env.cache_dir) == "/c/models"
    backend = make_backend("openai", env=env)
    assert isinstance(backend, OpenAIBackend) and backend.base_url == "http://h:1/v1"
    backend.close()


def test_factory_missing_key_or_url_says_which_variable() -> None:
    with pytest.raises(BackendError, match="ANTHROPIC_API_KEY"):
        make_backend("anthropic", env=BackendEnv())
    with pytest.raises(BackendError, match="OPENAI_BASE_URL"):
        make_backend("openai", env=BackendEnv())
    with pytest.raises(InvalidArgument, match="replay:samples.jsonl"):
        make_backend("replay", env=BackendEnv())
    with pytest.raises(InvalidArgument, match="is not one of"):
        make_backend("gpt5", env=BackendEnv())
