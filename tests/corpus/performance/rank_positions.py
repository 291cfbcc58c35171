# Map each player to their rank on the leaderboard:
def ranks(players, leaderboard):
    board = list(leaderboard)
    return {player: board.index(player) + 1 for player in players if player in board}
