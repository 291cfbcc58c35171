# Sure! Here is a minimal helper that sends a prompt to GPT-4 and returns the answer.
import os

import openai

openai.api_key = os.environ["OPENAI_API_KEY"]


def ask(prompt):
    response = openai.ChatCompletion.create(
        model="gpt-4",
        messages=[{"role": "user", "content": prompt}],
    )
    return response["choices"][0]["message"]["content"]
