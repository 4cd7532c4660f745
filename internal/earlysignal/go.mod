module earlysignal

go 1.26.8
