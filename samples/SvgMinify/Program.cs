using SvgMinify;

return SvgMinifyCommand.Run(args, Console.In, Console.Out, Console.Error);
