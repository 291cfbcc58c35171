# To call Gemini from Python, install the SDK and use:
import os

import google.generativeai as genai

genai.configure(api_key=os.environ["GOOGLE_API_KEY"])


def summarise(text):
    model = genai.GenerativeModel("gemini-1.5-flash")
    return model.generate_content(f"Summarise: {text}").text
