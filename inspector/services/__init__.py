"""What a user does, one function per action. The TUI, the CLI and the tests all come through here.

Services take an open ``Store`` and plain values, apply the core's rules and save. They never
print or draw; errors are ``DomainError`` (a rule said no) or ``StoreError`` (a file said no).
"""
