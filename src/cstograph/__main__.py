from cstograph.cli import main

main()
