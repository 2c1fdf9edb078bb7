"""The local stack's AWS emulation: moto in a process of its own, on a free port, over keep-alive
connections, ended by the stack or by the stack's death, never left behind."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from ai_interviewer.local.aws_emulation import AwsEmulation
from botocore.config import Config

WAIT_SECONDS = 30


def _ended(pid: int) -> bool:
    """True once the process is gone or a zombie (it exited and waits for whoever reaps it)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state in {"Z", "X"}


def _wait_until_ended(pid: int) -> bool:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if _ended(pid):
            return True
        time.sleep(0.05)
    return False


def _list_tables(connection: http.client.HTTPConnection) -> http.client.HTTPResponse:
    """A DynamoDB ListTables call as boto3 sends it (moto reads the service from the credential scope)."""
    connection.request(
        "POST",
        "/",
        body=b"{}",
        headers={
            "Content-Type": "application/x-amz-json-1.0",
            "X-Amz-Target": "DynamoDB_20120810.ListTables",
            "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/dynamodb/aws4_request, "
            "SignedHeaders=host, Signature=0",
        },
    )
    return connection.getresponse()


@pytest.fixture
def emulation() -> Iterator[AwsEmulation]:
    started = AwsEmulation()
    started.start()
    try:
        yield started
    finally:
        started.stop()


def test_the_emulation_serves_aws_calls_on_its_own_port_and_stops(emulation: AwsEmulation) -> None:
    pid = emulation.pid
    assert pid is not None
    address = urlsplit(emulation.endpoint)
    assert address.hostname == "127.0.0.1"
    session = boto3.session.Session()
    sqs = session.client("sqs", endpoint_url=emulation.endpoint)
    url = sqs.create_queue(QueueName="emulated")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="hello")
    [message] = sqs.receive_message(QueueUrl=url)["Messages"]
    assert message["Body"] == "hello"

    emulation.stop()
    assert _ended(pid)
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((address.hostname, address.port or 80), timeout=5).close()


def test_one_connection_carries_many_calls(emulation: AwsEmulation) -> None:
    address = urlsplit(emulation.endpoint)
    connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=WAIT_SECONDS)
    try:
        first = _list_tables(connection)
        assert first.status == 200
        assert json.loads(first.read()) == {"TableNames": []}
        assert (first.getheader("Connection") or "").lower() != "close"
        sock = connection.sock
        second = _list_tables(connection)
        assert second.status == 200
        second.read()
        assert connection.sock is sock  # not closed and reopened in between
    finally:
        connection.close()


def test_long_polls_in_flight_leave_room_for_other_calls(emulation: AwsEmulation) -> None:
    """The local stack holds 47 SQS long polls open at once; each holds a server thread until it is
    answered. More than that must not queue a quick call behind them."""
    polls = 60
    session = boto3.session.Session()
    config = Config(max_pool_connections=polls + 1, read_timeout=WAIT_SECONDS)
    sqs = session.client("sqs", endpoint_url=emulation.endpoint, config=config)
    url = sqs.create_queue(QueueName="long-polled")["QueueUrl"]
    wait_seconds = 6
    pollers = [
        threading.Thread(
            target=sqs.receive_message, kwargs={"QueueUrl": url, "WaitTimeSeconds": wait_seconds}, daemon=True
        )
        for _ in range(polls)
    ]
    for poller in pollers:
        poller.start()
    time.sleep(1.5)  # the polls reach the emulation and wait there
    dynamodb = session.client("dynamodb", endpoint_url=emulation.endpoint, config=config)
    started = time.monotonic()
    assert dynamodb.list_tables()["TableNames"] == []
    # Queued behind the polls, the call would wait until they ended (4.5 s from here).
    assert time.monotonic() - started < 2.5
    for poller in pollers:
        poller.join(WAIT_SECONDS)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_ctrl_c_in_the_terminal_leaves_the_stopping_to_the_stack(emulation: AwsEmulation) -> None:
    assert emulation.pid is not None
    # Ctrl-C reaches the whole process group; the stack still needs the emulation while it settles.
    status = Path(f"/proc/{emulation.pid}/status").read_text()
    ignored = int(next(line for line in status.splitlines() if line.startswith("SigIgn:")).split()[1], 16)
    assert ignored & (1 << (signal.SIGINT - 1))
    os.kill(emulation.pid, signal.SIGINT)
    tables = boto3.session.Session().client("dynamodb", endpoint_url=emulation.endpoint).list_tables()
    assert tables["TableNames"] == []
    assert not _ended(emulation.pid)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_emulation_ends_when_the_stack_is_killed() -> None:
    stack = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time\n"
            "from ai_interviewer.local.aws_emulation import AwsEmulation\n"
            "emulation = AwsEmulation()\n"
            "emulation.start()\n"
            "print(emulation.pid, flush=True)\n"
            "time.sleep(600)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert stack.stdout is not None
        child = int(stack.stdout.readline())
        assert not _ended(child)
        stack.send_signal(signal.SIGKILL)  # no chance to stop anything
        stack.wait(WAIT_SECONDS)
        assert _wait_until_ended(child), "the emulation outlived the stack"
    finally:
        if stack.poll() is None:
            stack.kill()
            stack.wait()


def _claim(
    client: Any, table: str, key: dict[str, Any], race: tuple[threading.Barrier, list[str]], carrier: str
) -> None:
    barrier, winners = race
    barrier.wait()
    try:
        client.update_item(
            TableName=table,
            Key=key,
            UpdateExpression="SET carrier = :carrier",
            ConditionExpression="attribute_not_exists(carrier)",
            ExpressionAttributeValues={":carrier": {"S": carrier}},
        )
    except client.exceptions.ConditionalCheckFailedException:
        return
    winners.append(carrier)


@pytest.mark.usefixtures("frequent_thread_switches")
def test_racing_conditional_writes_have_one_winner(moto_endpoint: str) -> None:
    """DynamoDB applies a write's condition atomically; the emulation must too (moto alone let both of
    two racing claims win in about one race in ten)."""
    client = boto3.client("dynamodb", endpoint_url=moto_endpoint)
    table = "emulation-race"
    client.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    try:
        double_wins = 0
        for race in range(100):
            key = {"pk": {"S": str(race)}}
            client.put_item(TableName=table, Item=key)
            winners: list[str] = []
            barrier = threading.Barrier(2)
            threads = [
                threading.Thread(target=_claim, args=(client, table, key, (barrier, winners), carrier))
                for carrier in ("a", "b")
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(30)
            assert winners, "neither claim won"
            double_wins += len(winners) == 2
    finally:
        client.delete_table(TableName=table)
    assert double_wins == 0
