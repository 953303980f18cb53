from pipeline.entry import run

run()
