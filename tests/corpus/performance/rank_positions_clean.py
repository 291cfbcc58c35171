# Map each player to their rank on the leaderboard:
def ranks(players, leaderboard):
    position = {player: rank for rank, player in enumerate(leaderboard, start=1)}
    return {player: position[player] for player in players if player in position}
