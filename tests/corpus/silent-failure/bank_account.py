# A simple bank account with deposit and withdraw:
class Account:
    def __init__(self, owner: str, balance: float = 0.0):
        self.owner = owner
        self.balance = balance

    def deposit(self, amount: float) -> None:
        assert amount > 0, "deposit must be positive"
        self.balance += amount

    def withdraw(self, amount: float) -> None:
        assert 0 < amount <= self.balance, "invalid amount"
        self.balance -= amount
