"""An activity worker in Python: serves "assessCredit" on the task queue "credit" with the temporalio SDK.

Run (from the repository root, after `npm install` provisioned the SDK into .tools/python):
    PYTHONPATH=.tools/python LEADFLOW_API_KEY=<developer key> python3 examples/python-worker/worker.py

At start it registers the activity type with Leadflow over HTTP (name, version, JSON Schemas, task queue, timeout,
retry policy), sends a heartbeat every few seconds while it runs and says goodbye when it stops.
"""
import asyncio
from datetime import timedelta
import json
import os
import signal
import urllib.error
import urllib.request

from temporalio import activity
from temporalio.client import Client
from temporalio.exceptions import ApplicationError
from temporalio.worker import Worker

API_URL = os.environ.get("LEADFLOW_API_URL", "http://127.0.0.1:3000")
API_KEY = os.environ.get("LEADFLOW_API_KEY", "")
TEMPORAL_ADDRESS = os.environ.get("TEMPORAL_ADDRESS", "127.0.0.1:7233")
NAMESPACE = os.environ.get("TEMPORAL_NAMESPACE", "default")
TASK_QUEUE = os.environ.get("TASK_QUEUE", "credit")
HEARTBEAT_SECONDS = float(os.environ.get("HEARTBEAT_MS", "10000")) / 1000

ASSESS_CREDIT = {
    "name": "assessCredit",
    "version": 1,
    "label": "Assess credit",
    "description": "Rates the lead's company for credit: good from a minimum head count, otherwise review.",
    "taskQueue": TASK_QUEUE,
    "inputSchema": {
        "type": "object",
        "properties": {"minEmployees": {"type": "integer", "minimum": 1, "default": 50}},
        "additionalProperties": False,
    },
    "outputSchema": {
        "type": "object",
        "properties": {
            "rating": {"type": "string", "enum": ["good", "review"], "title": "Credit rating"},
            "limit": {"type": "integer", "minimum": 0, "title": "Credit limit (EUR)"},
        },
        "required": ["rating", "limit"],
        "additionalProperties": False,
    },
    "startToCloseTimeoutMs": 20000,
    "retry": {"initialIntervalMs": 1000, "backoffCoefficient": 2, "maximumIntervalMs": 30000, "maximumAttempts": 0},
}


@activity.defn(name="assessCredit")
async def assess_credit(call: dict) -> dict:
    """`call` is what Leadflow passes every custom activity: input, idempotency key, lead context, node id."""
    config = call.get("input") or {}
    min_employees = config.get("minEmployees", 50)
    if not isinstance(min_employees, int) or min_employees < 1:
        raise ApplicationError("minEmployees must be a positive integer", type="InvalidInput", non_retryable=True)
    lead = call.get("lead") or {}
    employees = lead.get("companySize") or 0
    rating = "good" if employees >= min_employees else "review"
    activity.logger.info("assessCredit %s for lead %s: %s", call.get("key"), lead.get("id"), rating)
    return {"rating": rating, "limit": employees * 100 if rating == "good" else 0}


def post(path: str, body: dict) -> int:
    request = urllib.request.Request(
        API_URL + path, data=json.dumps(body).encode(), method="POST",
        headers={"content-type": "application/json", "x-api-key": API_KEY},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as err:
        reason = err.read().decode(errors="replace")
        if path.endswith("/register"):
            raise SystemExit(f"registration refused ({err.code}): {reason}")
        return err.code


async def heartbeat(stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            if await asyncio.to_thread(post, "/api/activity-types/heartbeat", {"taskQueue": TASK_QUEUE}) == 404:
                await asyncio.to_thread(post, "/api/activity-types/register", {"activities": [ASSESS_CREDIT]})
        except OSError as err:
            print(f"[credit worker] heartbeat failed: {err}", flush=True)
        try:
            await asyncio.wait_for(stop.wait(), HEARTBEAT_SECONDS)
        except asyncio.TimeoutError:
            pass


async def main() -> None:
    if not API_KEY:
        raise SystemExit("LEADFLOW_API_KEY is required (a developer key with the activity:register scope)")
    await asyncio.to_thread(post, "/api/activity-types/register", {"activities": [ASSESS_CREDIT]})
    print(f"[credit worker] registered assessCredit@1 on task queue \"{TASK_QUEUE}\"", flush=True)
    client = await Client.connect(TEMPORAL_ADDRESS, namespace=NAMESPACE)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with Worker(client, task_queue=TASK_QUEUE, activities=[assess_credit], graceful_shutdown_timeout=timedelta(seconds=5)):
        print("[credit worker] ready", flush=True)
        beats = asyncio.create_task(heartbeat(stop))
        await stop.wait()
        await beats
        # Tell Leadflow at once, so leads waiting on this type show "waiting for worker" without the heartbeat delay.
        await asyncio.to_thread(post, "/api/activity-types/heartbeat", {"taskQueue": TASK_QUEUE, "stopping": True})
    print("[credit worker] stopped", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
