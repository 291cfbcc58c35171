# And here are the unit tests for the parser:
import unittest


def parse(text):
    return [int(part) for part in text.split(",")]


class ParseTest(unittest.TestCase):
    def test_parse(self):
        self.assertEqual(parse("1,2"), [1, 2])

    def test_empty_item(self):
        self.assertRaisesRegex(ValueError, "invalid literal", parse, "1,,2")
