using TorchSharp;

Console.WriteLine($"faceembed: torch {torch.__version__}, CUDA available: {torch.cuda.is_available()}");
return 0;
