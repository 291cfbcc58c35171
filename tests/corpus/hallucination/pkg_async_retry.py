# Retry async calls with aiohttp_retry_plus.
import asyncio
from aiohttp_retry_plus import RetryClient

async def fetch(url: str) -> str:
    async with RetryClient(attempts=3) as client:
        return await client.get_text(url)
