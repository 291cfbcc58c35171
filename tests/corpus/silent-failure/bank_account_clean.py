# A simple bank account with deposit and withdraw:
class Account:
    def __init__(self, owner: str, balance: float = 0.0):
        self.owner = owner
        self.balance = balance

    def deposit(self, amount: float) -> None:
        if amount <= 0:
            raise ValueError(f"deposit must be positive, got {amount}")
        self.balance += amount

    def withdraw(self, amount: float) -> None:
        if not 0 < amount <= self.balance:
            raise ValueError(f"cannot withdraw {amount} from a balance of {self.balance}")
        self.balance -= amount
