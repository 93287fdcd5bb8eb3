"""The consolidated account: its merged family, its loader, its page, summaries, work list, search."""
