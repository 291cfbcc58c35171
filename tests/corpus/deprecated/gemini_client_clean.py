# To call Gemini from Python, install the SDK and use:
from google import genai

client = genai.Client()


def summarise(text):
    response = client.models.generate_content(model="gemini-2.0-flash", contents=f"Summarise: {text}")
    return response.text
