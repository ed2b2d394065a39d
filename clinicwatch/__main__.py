from clinicwatch.cli import main

main()
